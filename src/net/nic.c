/*
 * nic.c — one FIFO transmitter (see nic.h).
 */
#include "nic.h"

void nic_init(struct nic *n, double bandwidth)
{
	n->bandwidth = bandwidth;
	n->free_at = 0.0;
}

double nic_send(struct nic *n, double now, double bytes)
{
	double start = now > n->free_at ? now : n->free_at;
	n->free_at = start + (n->bandwidth > 0.0 ? bytes / n->bandwidth : 0.0);
	return n->free_at;
}
