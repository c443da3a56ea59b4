/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * io_floor - the I/O floor of a queue scan, for bench/queue.sh: walks the given directories
 * (and their subdirectories), opens every regular file and reads its first 4 KB, nothing
 * else, with THREADS threads taking names from one shared directory walk.
 *
 *	io_floor THREADS DIR...
 *
 * Prints the number of files and bytes read. Built by bench/queue.sh (cc -O2 -pthread).
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DIRS 4096

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *dirs[MAX_DIRS];
static int ndirs, next_dir;
static DIR *cur;
static char cur_path[4096];
static long files, bytes;

/* The next file path, walking the directory list (subdirectories appended as found). */
static int next_file(char *path, size_t len)
{
    struct dirent *e;
    for (;;) {
        if (!cur) {
            if (next_dir == ndirs)
                return 0;
            snprintf(cur_path, sizeof cur_path, "%s", dirs[next_dir++]);
            if (!(cur = opendir(cur_path)))
                continue;
        }
        if (!(e = readdir(cur))) {
            closedir(cur);
            cur = NULL;
            continue;
        }
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, len, "%s/%s", cur_path, e->d_name);
        if (e->d_type == DT_DIR && ndirs < MAX_DIRS) {
            dirs[ndirs++] = strdup(path);
            continue;
        }
        return 1;
    }
}

static void *worker(void *arg)
{
    char path[4352], buf[4096];
    long n = 0, b = 0;
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        int more = next_file(path, sizeof path);
        pthread_mutex_unlock(&lock);
        if (!more)
            break;
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t r = read(fd, buf, sizeof buf);
        close(fd);
        n++;
        b += r > 0 ? r : 0;
    }
    pthread_mutex_lock(&lock);
    files += n;
    bytes += b;
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t[16];
    int n = argc > 1 ? atoi(argv[1]) : 0;
    if (n < 1 || n > 16 || argc < 3) {
        fprintf(stderr, "usage: io_floor THREADS DIR...\n");
        return 2;
    }
    for (int i = 2; i < argc && ndirs < MAX_DIRS; i++)
        dirs[ndirs++] = strdup(argv[i]);
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    printf("%ld files, %ld bytes\n", files, bytes);
    return 0;
}
