// SPDX-License-Identifier: GPL-2.0
/* Ownership of instances and liveness of vrrpd processes, by flock (own.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "own.h"

/*
 * How often a claim tries again while someone only asks about the lock (a shared hold lasts
 * a few system calls): enough for hundreds of askers, bounded all the same.
 */
#define OWN_TRIES 10000

int own_dir_open(const char *pin_dir, bool create)
{
	char path[300];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/owners", pin_dir) >= sizeof(path))
		return -ENAMETOOLONG;
	if (create && mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static void own_key_name(const struct vrrpd_key *key, char *name, size_t len)
{
	snprintf(name, len, "%u_%u_%u_%u", key->ifindex, key->vlan, key->family, key->vrid);
}

/*
 * Takes name's lock exclusively, making the directory if need be: the fd, or -EEXIST when a
 * live process holds it. The directory must still be the one of that name once locked: a
 * process's may be removed by another vrrpd that found it unlocked, just before we locked it.
 */
static int own_lock(int dir_fd, const char *name)
{
	struct stat mine, now;
	int fd, tries, ret;

	for (tries = 0; tries < OWN_TRIES; tries++) {
		if (mkdirat(dir_fd, name, 0700) && errno != EEXIST)
			return -errno;
		fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (!fstat(fd, &mine) && !fstatat(dir_fd, name, &now, 0) &&
			    mine.st_ino == now.st_ino && mine.st_dev == now.st_dev)
				return fd;
			close(fd);
			continue;
		}
		ret = errno == EWOULDBLOCK ? 0 : -errno;
		/* An owner holds it exclusively; someone who asks, shared and for an instant. */
		if (!ret && flock(fd, LOCK_SH | LOCK_NB))
			ret = -EEXIST;
		close(fd); /* drops our shared hold too */
		if (ret)
			return ret;
		sched_yield();
	}
	return -EEXIST;
}

/* Does a live process hold name's lock? The fd of our shared hold stays in *held_fd if asked. */
static bool own_probe(int dir_fd, const char *name, int *shared_fd)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (shared_fd)
		*shared_fd = -1;
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB)) {
		close(fd);
		return errno == EWOULDBLOCK;
	}
	if (shared_fd)
		*shared_fd = fd;
	else
		close(fd);
	return false;
}

int own_claim(int dir_fd, const struct vrrpd_key *key)
{
	char name[48];

	own_key_name(key, name, sizeof(name));
	return own_lock(dir_fd, name);
}

bool own_held(int dir_fd, const struct vrrpd_key *key)
{
	char name[48];

	own_key_name(key, name, sizeof(name));
	return own_probe(dir_fd, name, NULL);
}

int own_proc_lock(int dir_fd)
{
	char name[32];

	snprintf(name, sizeof(name), "pid_%d", (int)getpid());
	return own_lock(dir_fd, name);
}

bool own_proc_alive(int dir_fd, uint32_t pid)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "pid_%u", pid);
	if (own_probe(dir_fd, name, &fd))
		return true;
	/* Removed while we hold it shared: a vrrpd given that pid meanwhile makes its own. */
	if (fd >= 0) {
		unlinkat(dir_fd, name, AT_REMOVEDIR);
		close(fd);
	}
	return false;
}

void own_proc_unlock(int dir_fd, int lock_fd)
{
	char name[32];

	if (lock_fd < 0)
		return;
	snprintf(name, sizeof(name), "pid_%d", (int)getpid());
	unlinkat(dir_fd, name, AT_REMOVEDIR);
	close(lock_fd);
}
