/*
 * aggstate.c
 *	  The key of crm's aggregate state seals (see aggstate.h).
 */
#include "crm.h"

#include "miscadmin.h"
#include "utils/timestamp.h"

#include "aggstate.h"

uint64		crm_seal_key = 0;

/* Draw the key (strong randomness; the start time and pid if none). */
void
crm_seal_key_init(void)
{
	uint64		key = 0;

	if (!pg_strong_random(&key, sizeof(key)))
		key = hash_combine64((uint64) MyStartTimestamp, (uint64) MyProcPid);
	crm_seal_key = key ? key : 1;
}
