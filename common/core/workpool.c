/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * workpool.c - N jobs on at most M threads. See workpool.h.
 */
#include "core/workpool.h"

#include <pthread.h>

typedef struct pool {
    size_t njobs, next;
    pp_workpool_fn fn;
    void *arg;
    pthread_mutex_t lock;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next < p->njobs ? p->next++ : p->njobs;
        pthread_mutex_unlock(&p->lock);
        if (i == p->njobs)
            return NULL;
        p->fn(i, p->arg);
    }
}

size_t pp_workpool_run(size_t njobs, size_t max_threads, pp_workpool_fn fn, void *arg)
{
    pool p = {.njobs = njobs, .fn = fn, .arg = arg};
    pthread_t tid[PP_WORKPOOL_MAX_THREADS];
    size_t n = max_threads < njobs ? max_threads : njobs, started = 0;
    if (n > PP_WORKPOOL_MAX_THREADS)
        n = PP_WORKPOOL_MAX_THREADS;
    pthread_mutex_init(&p.lock, NULL);
    for (size_t i = 0; i + 1 < n; i++)
        if (pthread_create(&tid[started], NULL, worker, &p) == 0)
            started++;
    worker(&p); /* this thread works too; it ends when every job is taken */
    for (size_t i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&p.lock);
    return started + 1;
}
