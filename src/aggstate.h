/*
 * aggstate.h
 *	  How crm's aggregate functions trust a state value they are handed
 *	  (crm.rebalance_state, crm.gini_state).
 *
 * A state type is a real type, so any role can hand any value of it to a
 * transition, combine or final function: as an INITCOND, or by calling
 * the functions from an aggregate of its own.  Every such function checks
 * the state's header on every call, in O(1): version, counts within the
 * capacity, and a size equal to what the capacity needs, so that reading
 * or appending in place never leaves the value.  Its contents (flags,
 * finite numbers) are checked in O(n), so a transition function checks
 * them only when the state arrives, not on every row.
 *
 * "Arrives" is decided by a seal in the state's header: a keyed hash, under
 * a random per-backend key, of the state's address, row count and
 * capacity, written by the transition or combine function after it checked
 * or appended.  A state whose seal matches was left at this address, with
 * these counts, by this backend's crm code after a full check; anything
 * else (an INITCOND copy, a value nodeAgg copied after the state grew, a
 * value read from disk or sent by another backend, a header that was
 * altered) fails to match and gets the full check once, then the seal.  A
 * pointer memo in fn_extra would not do: nodeAgg frees a state and can
 * allocate the next group's INITCOND copy at the same address, and with
 * hash aggregation the states of many groups arrive in turn.  Decoders
 * leave the seal 0, which never matches.  The key never leaves the backend
 * and the seal is in no external form.
 */
#ifndef CRM_AGGSTATE_H
#define CRM_AGGSTATE_H

#include "crm.h"

/* The seal of a state at this address with these counts (never 0). */
extern uint64 crm_state_seal(const void *state, int64 count, int64 capacity);

#endif							/* CRM_AGGSTATE_H */
