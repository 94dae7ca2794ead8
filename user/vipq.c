// SPDX-License-Identifier: GPL-2.0-only
/* The VIPs' netlink requests on a thread of their own: see vipq.h. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "net.h"
#include "vipq.h"

#define VIPQ_LEN 512u
#define VIPQ_STACK (256u * 1024u)
#define VIPQ_TELL 64u

struct vipq {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work_cv; /* the thread waits for a job */
	pthread_cond_t done_cv; /* vipq_drain and a full queue wait for a job done */
	struct nl_sock *nl; /* the thread's own */
	int efd; /* readable: jobs done, for vipq_collect */
	/* Jobs [done, work) are done, [work, head) wait; the indices only grow (mod VIPQ_LEN). */
	unsigned int head, work, done;
	unsigned int told; /* work when the eventfd was last written */
	bool stop;
	void (*finish)(struct vipq_job *j);
	struct vipq_job jobs[VIPQ_LEN];
};

void vipq_apply(struct nl_sock *nl, struct vipq_req *r)
{
	bool add = r->op == VIPQ_ADD, v6 = r->family == AF_INET6;
	int i;

	r->ipv6_ret = r->link_ret = 0;
	for (i = 0; i < OPTS_MAX_VIPS; i++)
		r->vip_ret[i] = 0;
	if (r->op == VIPQ_NONE)
		return;
	/* Up, with IPv6 on for IPv6 VIPs, before the VIPs go on the macvlan. */
	if (add && r->vmac_ifindex) {
		if (v6)
			r->ipv6_ret = net_sysctl("ipv6", r->vmac_name, "disable_ipv6", "0");
		r->link_ret = net_link_set_up(nl, r->vmac_ifindex, true);
	}
	for (i = 0; i < r->o->nvips; i++) {
		const struct opts_vip *v = &r->o->vips[i];

		if (r->skip[i])
			continue;
		r->vip_ret[i] =
			add ? net_addr_add(nl, r->vip_ifindex, r->family, &v->addr, v->prefix_len) :
			      net_addr_del(nl, r->vip_ifindex, r->family, &v->addr, v->prefix_len);
	}
	/* Down, and IPv6 off, once they are gone. */
	if (!add && r->vmac_ifindex) {
		r->link_ret = net_link_set_up(nl, r->vmac_ifindex, false);
		if (v6)
			r->ipv6_ret = net_sysctl("ipv6", r->vmac_name, "disable_ipv6", "1");
	}
}

static void *vipq_main(void *arg)
{
	struct vipq *q = arg;
	struct vipq_job *j;
	uint64_t one = 1;

	/*
	 * The loop first: where they share a CPU, the adverts and takeovers still due go before
	 * the addresses (nice 19: some 1.5 % of the CPU against the loop's nice 0, all of it when
	 * the loop sleeps).
	 */
	/* A failure is not worth a line in the log: the addresses would only come a little later. */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->work == q->head && !q->stop)
			pthread_cond_wait(&q->work_cv, &q->mu);
		if (q->work == q->head)
			break; /* stopped, and nothing waits */
		j = &q->jobs[q->work % VIPQ_LEN];
		pthread_mutex_unlock(&q->mu);
		vipq_apply(q->nl, &j->req); /* the slot is ours until work moves past it */
		pthread_mutex_lock(&q->mu);
		q->work++;
		pthread_cond_broadcast(&q->done_cv);
		/*
		 * The loop hears of them when the queue is empty (or every VIPQ_TELL jobs): a storm's
		 * jobs wake it once, not 255 times, each a turn taken from the adverts. It reads the
		 * counter before it takes the jobs: none is missed.
		 */
		if ((q->work == q->head || q->work - q->told >= VIPQ_TELL) &&
		    write(q->efd, &one, sizeof(one)) >= 0)
			q->told = q->work;
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

struct vipq *vipq_open(void (*finish)(struct vipq_job *j))
{
	sigset_t all, old;
	pthread_attr_t attr;
	struct vipq *q;
	int ret;

	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->finish = finish;
	q->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	q->nl = net_open();
	if (q->efd < 0 || !q->nl) {
		ret = q->efd < 0 ? errno : EIO;
		goto fail;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work_cv, NULL);
	pthread_cond_init(&q->done_cv, NULL);
	/*
	 * No signal for it (the loop reads them from its signalfd), a small stack, and the
	 * default scheduling whatever --rt-priority gave the loop: on one CPU it must never
	 * hold the adverts back.
	 */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VIPQ_STACK);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = pthread_create(&q->thread, &attr, vipq_main, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (!ret)
		return q;
	pthread_cond_destroy(&q->done_cv);
	pthread_cond_destroy(&q->work_cv);
	pthread_mutex_destroy(&q->mu);
fail:
	if (q->nl)
		net_close(q->nl);
	if (q->efd >= 0)
		close(q->efd);
	free(q);
	errno = ret;
	return NULL;
}

int vipq_fd(const struct vipq *q)
{
	return q->efd;
}

/* Finishes the jobs done up to `work` (read under the lock by the caller). */
static void vipq_finish_to(struct vipq *q, unsigned int work)
{
	while (q->done != work) {
		q->finish(&q->jobs[q->done % VIPQ_LEN]);
		q->done++;
	}
}

void vipq_collect(struct vipq *q)
{
	uint64_t n;
	unsigned int work;

	if (read(q->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&q->mu);
	work = q->work;
	pthread_mutex_unlock(&q->mu);
	vipq_finish_to(q, work);
}

/* Waits until the job before `upto` is done, then finishes what is done. */
static void vipq_wait(struct vipq *q, unsigned int upto)
{
	unsigned int work;

	pthread_mutex_lock(&q->mu);
	while ((int)(q->work - upto) < 0)
		pthread_cond_wait(&q->done_cv, &q->mu);
	work = q->work;
	pthread_mutex_unlock(&q->mu);
	vipq_finish_to(q, work);
}

void vipq_push(struct vipq *q, const struct vipq_job *j)
{
	/* Full: the oldest must be finished first (its slot is the one to reuse). */
	if (q->head - q->done == VIPQ_LEN)
		vipq_wait(q, q->done + 1);
	pthread_mutex_lock(&q->mu);
	q->jobs[q->head % VIPQ_LEN] = *j;
	q->head++;
	pthread_cond_signal(&q->work_cv);
	pthread_mutex_unlock(&q->mu);
}

void vipq_drain(struct vipq *q)
{
	vipq_wait(q, q->head);
}

void vipq_close(struct vipq *q)
{
	if (!q)
		return;
	vipq_drain(q);
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_signal(&q->work_cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->done_cv);
	pthread_cond_destroy(&q->work_cv);
	pthread_mutex_destroy(&q->mu);
	net_close(q->nl);
	close(q->efd);
	free(q);
}
