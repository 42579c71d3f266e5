# crm: PostgreSQL extension (PGXS build)
#
# Developer entry points (see README.md, "Contributing"):
#   make test    install missing packages, build, run every pg_regress and
#                pgTAP suite and the README's doc test (scripts/readme-test.py)
#                on a throw-away cluster, print the summaries
#   make demo    same bootstrap, then load the synthetic bank and print the report
#   make test-large  the heavy checks: a crm.cluster_sketch at its size cap
#                through dump/restore, a 20M-customer rebalance state as text
#   make bench   benchmarks (bench/), ratios against plain SQL / Python
#   make fuzz    libFuzzer harnesses on the text parsers (FUZZ_SECONDS=60 each,
#                FUZZ_TOTAL_SECONDS=N for the whole run), one summary line each
#   make valgrind  the pg_regress suites in VALGRIND_REGRESS against a server
#                running under valgrind memcheck; fails on any report
#   make upgrade-check  every released version (RELEASES) built from git,
#                created, updated step by step to this one and compared
#                with a fresh install (catalogue and stored sample data)
#   make deb     Debian package (debian/, pg_buildext, suites run at build
#                time) at build/postgresql-15-crm_<version>_<arch>.deb
#   make check-versions  crm.control, META.json, debian/changelog, RELEASES
#                and src/upgrade/ agree on the versions (no server needed)
#
# Everything else is plain PGXS: make && make install && make installcheck.

EXTENSION   = crm
EXTVERSION  = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" crm.control)

MODULE_big  = crm
# src/<capability>/: common, tiering, clustering, workload, scoring
SRC_DIRS    = src/common src/tiering src/clustering src/workload src/scoring
OBJS        = $(patsubst %.c,%.o,$(sort $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.c))))

# The install script has one source: the section files in src/sql/, in name
# order.  Each upgrade script crm--A--B.sql is generated from
# src/upgrade/crm--A--B.sql (its statements only) wrapped in the schema checks
# every install and update runs (see the rule below).
SQL_SECTIONS = $(sort $(wildcard src/sql/*.sql))
UPGRADE_SOURCES = $(sort $(wildcard src/upgrade/crm--*--*.sql))
UPGRADE_SCRIPTS = $(notdir $(UPGRADE_SOURCES))
DATA_built  = crm--$(EXTVERSION).sql $(UPGRADE_SCRIPTS)

# pg_regress suites, in run order (one file per feature; setup defines the
# error-capturing helper the others use).
REGRESS = setup \
	tiers_type \
	tier \
	presets \
	hysteresis \
	abc \
	quantile_rfm \
	lifecycle \
	bar \
	tier_order \
	rfm_map \
	scorecard \
	score_rows \
	customer_value \
	scorecard_fit \
	validation \
	kmeans \
	kmeans_names \
	kmeans_scan \
	policy \
	staffing \
	contact_quota \
	rebalance \
	trust_privileges \
	trust_cache \
	trust_settings \
	trust_edges_scoring \
	trust_states_workload \
	trust_hangs \
	trust_restore_workload \
	trust_states_sketch \
	trust_restore_sketch \
	trust_states_model \
	trust_model_identity \
	catalog
REGRESS_OPTS = --inputdir=. --load-extension=crm

# Warnings are errors by default; CRM_WERROR= (empty) turns that off.
CRM_WERROR ?= -Werror
PG_CFLAGS  += $(CRM_WERROR)
PG_CPPFLAGS += $(addprefix -I,$(SRC_DIRS))

EXTRA_CLEAN = results regression.diffs regression.out regress.log tap.log unit.log readme.log test-summary.log valgrind.log fuzz/build test/unit/build \
	citus_emul.log citus-regression.diffs $(addprefix test/citus_emul/,citus_emul.so citus_emul.o citus_emul.bc results regression.diffs regression.out)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track header dependencies; every object depends on every
# header (there are few), so a changed inline function is never stale.
$(OBJS): $(foreach d,$(SRC_DIRS),$(wildcard $(d)/*.h))

crm--$(EXTVERSION).sql: $(SQL_SECTIONS) crm.control
	@printf '%s\n' '-- crm $(EXTVERSION): generated from src/sql/*.sql by make; do not edit' > $@
	@printf '%s\n' '\echo Use "CREATE EXTENSION crm" to load this file. \quit' >> $@
	@for f in $(SQL_SECTIONS); do printf '\n-- source: %s\n' "$$f" >> $@; cat "$$f" >> $@; done

# An upgrade script: the psql guard, the update's schema checks
# (src/upgrade/schema_guard.sql: owner and CREATE privilege; 99_schema.sql:
# nothing in schema crm that is not the extension's), the script's statements,
# and 99_schema.sql again at the end, as the install script ends.
UPGRADE_WRAP = src/upgrade/schema_guard.sql src/sql/99_schema.sql
$(UPGRADE_SCRIPTS): crm--%.sql: src/upgrade/crm--%.sql $(UPGRADE_WRAP)
	@printf '%s\n' '-- crm $(subst --, to ,$*): generated from $< by make; do not edit' > $@
	@printf '\\echo Use "ALTER EXTENSION crm UPDATE TO %s" to load this file. \\quit\n' "'$(lastword $(subst --, ,$*))'" >> $@
	@for f in $(UPGRADE_WRAP) $< src/sql/99_schema.sql; do printf '\n-- source: %s\n' "$$f" >> $@; cat "$$f" >> $@; done

# ---------------------------------------------------------------------------
# The two commands (and friends).  scripts/bootstrap.sh installs the Debian
# packages that are missing; scripts/with-cluster.sh installs this build into
# a temporary prefix, runs a command against a throw-away cluster on a private
# socket that loads crm from there, and removes both afterwards.

.PHONY: bootstrap test test-large demo bench fuzz valgrind check-versions upgrade-check deb


bootstrap:
	scripts/bootstrap.sh

test: bootstrap
	$(MAKE) all
	@rm -f test-summary.log
	@rc=0; scripts/with-cluster.sh scripts/run-tests.sh || rc=$$?; \
	if [ $$rc -ne 0 ] && [ -f test-summary.log ]; then echo "== make test failed:"; cat test-summary.log; fi; \
	exit $$rc

demo: bootstrap
	$(MAKE) all
	scripts/with-cluster.sh scripts/run-demo.sh

# The heavy checks: a crm.cluster_sketch at its size cap through pg_dump,
# pg_restore and COPY (about 3 GB of memory, a minute or two), and a
# rebalancing group of 20 million customers shipped as text the way Citus 13
# ships it (about 4 GB, a few minutes).
test-large: bootstrap
	$(MAKE) all
	scripts/with-cluster.sh scripts/large-sketch-test.sh
	scripts/with-cluster.sh scripts/large-rebalance-test.sh

# BENCH=name runs one benchmark (bench/<name>.sh); default all of them.
bench:
	scripts/bootstrap.sh bench
	$(MAKE) all
	CRM_CLUSTER_OPTS="-o shared_buffers=2GB -o work_mem=256MB" \
		scripts/with-cluster.sh bench/run.sh $(BENCH)

# FUZZ_SECONDS per harness; FUZZ_TOTAL_SECONDS caps the whole run (builds
# included) by shortening each harness's share; FUZZ_JOBS side by side.
FUZZ_SECONDS ?= 60
FUZZ_TOTAL_SECONDS ?=
fuzz:
	scripts/bootstrap.sh fuzz
	FUZZ_TOTAL_SECONDS=$(FUZZ_TOTAL_SECONDS) fuzz/run.sh $(FUZZ_SECONDS)

# The suites that run under valgrind memcheck (scripts/valgrind-check.sh)
# in .ci/run: the ones that exercise aggregate states, the text/binary
# parsers and the rebalance solver; setup comes first (the others use its
# helper).  About 9 minutes on this 2-core machine (suites 534 s, 0 reports in
# 254 server processes, 2026-12-02; trust_edges_scoring
# and trust_hangs, the largest accepted literals and extreme magnitudes, are
# about half of it).  Add suites for one run with VALGRIND_SUITES="name ...";
# VALGRIND_SUITES=all runs every suite in REGRESS.
VALGRIND_REGRESS = setup tiers_type scorecard scorecard_fit validation kmeans kmeans_names policy rebalance \
	trust_edges_scoring trust_states_workload trust_hangs trust_restore_workload \
	trust_states_sketch trust_restore_sketch trust_states_model trust_model_identity
VALGRIND_SUITES ?=
ifeq ($(strip $(VALGRIND_SUITES)),all)
valgrind_run = $(REGRESS)
else
valgrind_run = $(VALGRIND_REGRESS) $(filter-out $(VALGRIND_REGRESS),$(VALGRIND_SUITES))
endif
valgrind:
	scripts/bootstrap.sh valgrind
	$(MAKE) all
	scripts/valgrind-check.sh $(valgrind_run)

check-versions:
	scripts/check-versions.sh

upgrade-check: bootstrap
	$(MAKE) all
	scripts/upgrade-check.sh

deb:
	scripts/bootstrap.sh deb
	scripts/build-deb.sh
