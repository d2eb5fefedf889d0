/*
 * amber's demo program: counts up, printing one number every 200 ms.
 * Its first line says where the count lives, so that a checkpoint can be
 * compared with the memory it came from. SIGINT and SIGTERM make it say
 * where it stopped.
 *
 *   cc -O1 -o counter counter.c && ./counter
 */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static volatile unsigned long count;
static volatile sig_atomic_t stop_requested;

static void request_stop(int signal)
{
	(void)signal;
	stop_requested = 1;
}

int main(void)
{
	const struct timespec tick = { .tv_sec = 0, .tv_nsec = 200 * 1000 * 1000 };
	struct sigaction action = { .sa_handler = request_stop };

	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("counter %d counts at %p\n", (int)getpid(), (void *)&count);
	while (!stop_requested) {
		printf("%lu\n", ++count);
		nanosleep(&tick, NULL);
	}
	printf("stopped at %lu\n", count);
	return 0;
}
