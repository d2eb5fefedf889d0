/* Prints the address and length of a string it keeps in memory, then waits to be killed. */
#include <stdio.h>
#include <unistd.h>

static char known[] = "amber reads this string";

int main(void) {
  printf("%p %zu\n", (void *)known, sizeof known - 1);
  fflush(stdout);
  for (;;) pause();
}
