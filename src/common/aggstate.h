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
 *
 * A crm.rebalance state that outgrows its first 8 rows moves into an
 * expanded object under the aggregate context (rebalance.c), which only
 * crm's own transition and combine functions make: a read/write object
 * with crm's methods is trusted without a seal, and is never copied to a
 * new address while it grows.
 */
#ifndef CRM_AGGSTATE_H
#define CRM_AGGSTATE_H

#include "crm.h"

/* the per-backend key (0 until first use) */
extern uint64 crm_seal_key;
extern void crm_seal_key_init(void);

/*
 * The seal of a state at this address with these counts (never 0): the
 * fields mixed into the key, then a 64-bit finalizer (xor-shift-multiply),
 * a few nanoseconds per row.  The multipliers are those of SplitMix64's
 * finalizer (G. L. Steele, D. Lea and C. H. Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), whose xor-shifts and odd
 * multiplies are bijections that spread every input bit over the output.
 */
static inline uint64
crm_state_seal(const void *state, int64 count, int64 capacity)
{
	uint64		x;

	if (unlikely(crm_seal_key == 0))
		crm_seal_key_init();
	x = crm_seal_key ^ (uint64) (uintptr_t) state;
	x ^= (uint64) count * UINT64CONST(0x9E3779B97F4A7C15);
	x = (x ^ (x >> 29)) * UINT64CONST(0xBF58476D1CE4E5B9);
	x ^= (uint64) capacity * UINT64CONST(0xC2B2AE3D27D4EB4F);
	x = (x ^ (x >> 32)) * UINT64CONST(0x94D049BB133111EB);
	return (x ^ (x >> 29)) | 1;
}

#endif							/* CRM_AGGSTATE_H */
