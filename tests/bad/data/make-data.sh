#!/bin/sh
# make-data.sh — writes the data files of this catalogue (run it here):
# good and malformed IDX files and LIBSVM files, a few bytes each.  Each
# NAME.yaml of this directory reads one broken file; NAME.expect holds the
# message `asgdsim run` prints for it.
set -eu
# IDX: magic 0x00000803 (unsigned-byte images), 5 samples of 2 x 3 pixels.
images_header='\0\0\10\3\0\0\0\5\0\0\0\2\0\0\0\3'
pixels='\1\2\3\4\5\6\7\10\11\12\13\14\15\16\17\20\21\22\23\24\25\26\27\30\31\32\33\34\35\36'
printf "$images_header$pixels" > images-5.idx3
printf '\0\0\10\1\0\0\0\5\0\1\2\3\4' > labels-5.idx1
printf "GIF89a$pixels" > idx-wrong-magic.idx3
printf "$images_header\1\2\3\4\5\6\7\10\11\12\13\14\15\16\17\20\21\22\23\24" \
	> idx-truncated.idx3
printf '\0\0\10\3\377\377\377\377\377\377\377\377\377\377\377\377\1\2\3' \
	> idx-oversized.idx3
# Labels of 4-byte floats (0x0D): refused, only unsigned bytes are read.
printf '\0\0\15\1\0\0\0\5\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0' \
	> idx-float-labels.idx1
printf '+1 1:0.5 3:1\n-1 2:x\n' > libsvm-bad-token.svm
printf '+1 0:1 2:1\n' > libsvm-index-zero.svm
printf '# ascending indices only\n-1 1:1 3:1 2:1\n' > libsvm-descending.svm
