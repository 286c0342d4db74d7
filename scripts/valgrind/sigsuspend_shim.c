/* Valgrind 3.19 (Debian 12) rewrites the signal mask passed to rt_sigsuspend in place. libdispatch
 * passes a mask that lives in read-only memory when the main thread parks in dispatch_main()
 * (which every async Swift main, including the test runner, does), so valgrind itself crashes
 * with SIGSEGV before a single test runs. Preloading this copy-to-the-stack wrapper avoids that;
 * it changes nothing about the code under test. Newer valgrind releases do not need it. */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, (size_t)(_NSIG / 8));
}
