/*
 * nic.h — a network interface that transmits one message at a time, first
 * in first out: the transmitting half of a link (link.h), and the server's
 * NIC that every message to or from a parameter server goes through
 * (network.server_bandwidth).
 *
 * A message of S bytes handed over at time t starts when the interface is
 * free (messages leave in the order they were handed over) and occupies it
 * for S / bandwidth seconds:
 *     start   = max(t, free_at)
 *     free_at = start + S / bandwidth          (bandwidth 0 = infinite)
 * nic_send returns free_at, the time the message has left.  So D messages
 * of S bytes handed over at once have all left after D * S / bandwidth.
 * No randomness, no allocation.
 */
#ifndef ASG_NIC_H
#define ASG_NIC_H

struct nic {
	double bandwidth;   /* bytes per second; 0 = infinite */
	double free_at;     /* when the last message handed over has left */
};

/* An idle interface of the given bandwidth. */
void nic_init(struct nic *n, double bandwidth);

/* Hand a message of `bytes` over at time `now` (>= the time of the previous
 * hand-over); returns when it has left. */
double nic_send(struct nic *n, double now, double bytes);

#endif
