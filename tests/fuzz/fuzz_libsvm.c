/*
 * fuzz_libsvm.c — libFuzzer harness for the LIBSVM reader (through
 * dataset_load): the first byte chooses the task (binary, multiclass or
 * regression labels) and whether data.features fixes the dimension; the
 * rest is the file.  Every input must load or be refused with a message
 * located at the file.
 */
#include "fuzz_data.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	static const enum data_task tasks[] = {
		TASK_BINARY, TASK_MULTICLASS, TASK_REGRESSION,
	};
	if (size == 0)
		return 0;
	fuzz_file(&fd, path, data + 1, size - 1);
	struct data_config cfg = { .kind = DATA_LIBSVM, .normalize = NORMALIZE_NONE,
				   .features = data[0] & 4 ? 8 : 0 };
	cfg.path = path;
	fuzz_load(&cfg, tasks[data[0] % 3]);
	return 0;
}
