/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who runs what, by locks the kernel drops when a process dies (its files close at exit, before
 * it is a zombie, and a reused pid inherits nothing). In PIN_DIR/owners/, a directory on the
 * same BPF filesystem as the maps (it holds no files: only directories can be made there, and no name with a dot):
 * - one per instance, "IFINDEX_VLAN_FAMILY_VRID", locked exclusively (flock) by the process that
 *   runs the instance, for as long as it does: taking that lock is the claim, atomic between
 *   vrrpd processes started together;
 * - one per vrrpd process, "pid_PID", locked exclusively for its lifetime: what its ring buffer
 *   in vrrpd_events is kept for.
 * Asking whether a lock is held takes it shared for an instant (flock cannot be queried); a
 * claim that meets a shared holder retries, since only an exclusive one is an owner.
 * The directories of instances stay (at most one per interface, family and VRID); a process's
 * goes when it exits, or when another vrrpd finds it unlocked.
 */
#ifndef VRRPD_OWN_H
#define VRRPD_OWN_H

#include <stdbool.h>
#include <stdint.h>

#include "vrrp_abi.h"

/* PIN_DIR/owners, opened (created when create); an O_DIRECTORY fd or -errno. */
int own_dir_open(const char *pin_dir, bool create);

/*
 * Claims key for this process: an fd holding the lock (close it to give the instance up), or
 * -EEXIST (a live process holds it), or another -errno (the directory cannot be made).
 */
int own_claim(int dir_fd, const struct vrrpd_key *key);
/* Is key claimed by a live process (true), or by none (false)? */
bool own_held(int dir_fd, const struct vrrpd_key *key);

/* Locks this process's own directory, for its lifetime: an fd, or -errno. */
int own_proc_lock(int dir_fd);
/* Is pid a vrrpd that is alive (holds its directory's lock)? A dead one's directory goes. */
bool own_proc_alive(int dir_fd, uint32_t pid);
/* At exit: this process's directory goes, then its lock. */
void own_proc_unlock(int dir_fd, int lock_fd);

#endif /* VRRPD_OWN_H */
