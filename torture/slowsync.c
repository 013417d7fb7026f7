/* A slower disk for the harness: fsync and fdatasync take TORTURE_FSYNC_MS longer
 * (a laptop SSD's flush takes milliseconds; a server's or a VM's, microseconds).
 * Built and preloaded by torture/child.py when a C compiler is there (LD_PRELOAD). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

static void wait_a_little(void) {
    const char *ms = getenv("TORTURE_FSYNC_MS");
    long delay = ms ? atol(ms) : 0;
    if (delay > 0) {
        struct timespec pause = {delay / 1000, (delay % 1000) * 1000000L};
        nanosleep(&pause, NULL);
    }
}

int fsync(int fd) {
    static int (*real)(int) = NULL;
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    wait_a_little();
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int) = NULL;
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    wait_a_little();
    return real(fd);
}
