/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The handle/connection/dispatch skeleton shared by the client libraries
 * (libcfg, libquorum, libvotequorum).  Linked into each library, never
 * exported (the libraries are built with -fvisibility=hidden and a version
 * script).
 *
 * A library's instance struct starts with a struct ipcc and lives in the
 * library's own qb_hdb handle table (QB_HDB_DECLARE(db, ipcc_destructor)).
 * Invariants kept here: one request/response exchange at a time per
 * connection (req_lock), one event read at a time (dispatch_lock), callbacks
 * run with no lock held so they may call any function of the library, even
 * finalize, and a finalized handle answers CS_ERR_BAD_HANDLE.
 */
#ifndef CHORUS_LIB_IPC_CLIENT_H
#define CHORUS_LIB_IPC_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <qb/qbhdb.h>
#include <qb/qbipcc.h>

#include <corosync/corotypes.h>

struct ipcc {
	qb_ipcc_connection_t *c;          /* NULL once finalized */
	int32_t fd;                       /* its pollable fd, read once at create */
	pthread_mutex_t req_lock;         /* serialises exchanges (callbacks and models are
	                                   * fixed before the handle is returned: read freely) */
	pthread_mutex_t dispatch_lock;    /* serialises event reads */
	pthread_mutex_t ctx_lock;         /* context alone: never waits for an exchange */
	const void *context;              /* *_context_set / *_context_get */
	/* The dispatch buffer (CHORUS_IPC_BUFFER_SIZE), kept between calls; a
	 * thread that dispatches while another holds it allocates its own. */
	_Atomic(uint8_t *) evbuf;
};

/** The destructor to name in QB_HDB_DECLARE: disconnects, destroys the locks. */
void ipcc_destructor(void *instance);

/**
 * Create a handle whose instance is inst_size bytes (zeroed, starting with
 * a struct ipcc) and connect it to the IPC service name.  On CS_OK the
 * instance is returned referenced: fill it, then ipcc_put().  On failure
 * the handle is gone and nothing is returned.
 */
cs_error_t ipcc_create(struct qb_hdb *db, size_t inst_size, const char *service,
		       uint64_t *ret_handle, struct ipcc **ret_inst);
cs_error_t ipcc_get(struct qb_hdb *db, uint64_t handle, struct ipcc **ret_inst);
void ipcc_put(struct qb_hdb *db, uint64_t handle);
/** Disconnect and destroy the handle (BAD_HANDLE if already finalized). */
cs_error_t ipcc_finalize(struct qb_hdb *db, uint64_t handle);
/** Disconnect (under both locks); false if another thread already did. */
bool ipcc_disconnect(struct ipcc *inst);
/** The fd read at create, with no lock: a request waiting on the daemon or a
 * blocking dispatch in another thread cannot hold it up. */
cs_error_t ipcc_fd_get(struct qb_hdb *db, uint64_t handle, int *fd);
cs_error_t ipcc_context_set(struct qb_hdb *db, uint64_t handle, const void *context);
cs_error_t ipcc_context_get(struct qb_hdb *db, uint64_t handle, const void **context);

/**
 * One request/response exchange.  The reply's header.error is the result
 * when the transport succeeded; ret_received (optional) gets the byte count;
 * a reply shorter than a response header is CS_ERR_MESSAGE_ERROR.
 */
cs_error_t ipcc_call(struct ipcc *inst, const struct iovec *iov, unsigned int iovcnt, void *res,
		     size_t res_size, size_t *ret_received);
/** ipcc_call for a fixed reply that must come whole (MESSAGE_ERROR otherwise). */
cs_error_t ipcc_call_fixed(struct ipcc *inst, const void *req, size_t req_size, void *res,
			   size_t res_size);

/**
 * Validate one received event and run its callback (with no lock held).
 * Return CS_OK to go on; anything else ends the dispatch with that error
 * (corosync's libraries return CS_ERR_LIBRARY for an unknown event id).
 */
typedef cs_error_t (*ipcc_event_fn)(uint64_t handle, struct ipcc *inst, uint8_t *buf,
				    size_t len);

/* ipcc_dispatch options */
enum ipcc_dispatch_opt {
	/* A handle finalized (by a callback or another thread) after this
	 * dispatch delivered an event ends it with CS_OK, not BAD_HANDLE (libcmap). */
	IPCC_OK_AFTER_DELIVERY = 1u << 0,
};

/** corosync's dispatch loop for the four cs_dispatch_flags_t, events through fn. */
cs_error_t ipcc_dispatch(struct qb_hdb *db, uint64_t handle, cs_dispatch_flags_t flags,
			 ipcc_event_fn fn, unsigned int opts);

#endif
