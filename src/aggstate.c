/*
 * aggstate.c
 *	  Seals of crm's aggregate states (see aggstate.h).
 */
#include "crm.h"

#include "miscadmin.h"
#include "utils/timestamp.h"

#include "aggstate.h"

/* the per-backend key; set on first use */
static uint64 seal_key = 0;
static bool seal_key_set = false;

/* Draw the key (strong randomness; the start time and pid if none). */
static void
SealKeyInit(void)
{
	if (!pg_strong_random(&seal_key, sizeof(seal_key)))
		seal_key = hash_combine64((uint64) MyStartTimestamp, (uint64) MyProcPid);
	seal_key_set = true;
}

uint64
crm_state_seal(const void *state, int64 count, int64 capacity)
{
	uint64		fields[3];

	if (unlikely(!seal_key_set))
		SealKeyInit();
	fields[0] = (uint64) (uintptr_t) state;
	fields[1] = (uint64) count;
	fields[2] = (uint64) capacity;
	return hash_bytes_extended((const unsigned char *) fields, sizeof(fields), seal_key) | 1;
}
