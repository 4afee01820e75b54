/* swarm-runtime entry point (placeholder until the runtime lands: prints usage). */
#include <stdio.h>

int main(int argc, char **argv)
{
	fprintf(stderr, "usage: swarm-runtime [--root DIR] create|start|run|state|kill|delete ...\n");
	return argc > 1 ? 2 : 0;
}
