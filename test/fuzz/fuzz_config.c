/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer harness for the corosync.conf parser and totem validation
 * (services/config).  One input = one config file body.  The entry point
 * never touches the disk or the network beyond getaddrinfo on numeric
 * addresses and names in the input.  Corpus: test/fuzz/corpus/config/.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "services/config/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return conf_fuzz_one(data, size);
}
