/*
 * fuzz_idx.c — libFuzzer harness for the IDX reader (through
 * dataset_load): the first byte chooses which file of the pair the rest of
 * the input is, images or labels; the other is a valid file of two
 * samples (2x2 images, labels 0 and 1).  Every input must load or be
 * refused with a message located at a file.
 */
#include "fuzz_data.h"

static const uint8_t fuzz_images[] = {
	0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2,
	1, 2, 3, 4, 5, 6, 7, 8,
};
static const uint8_t fuzz_labels[] = { 0, 0, 8, 1, 0, 0, 0, 2, 0, 1 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd_fuzz = -1, fd_fixed = -1;
	static char path_fuzz[64], path_fixed[64];
	if (size == 0)
		return 0;
	bool labels = data[0] & 1;
	fuzz_file(&fd_fuzz, path_fuzz, data + 1, size - 1);
	if (labels)
		fuzz_file(&fd_fixed, path_fixed, fuzz_images, sizeof fuzz_images);
	else
		fuzz_file(&fd_fixed, path_fixed, fuzz_labels, sizeof fuzz_labels);
	struct data_config cfg = { .kind = DATA_IDX, .normalize = NORMALIZE_SCALE };
	cfg.path = labels ? path_fixed : path_fuzz;
	cfg.labels = labels ? path_fuzz : path_fixed;
	fuzz_load(&cfg, TASK_MULTICLASS);
	return 0;
}
