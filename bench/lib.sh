# lib.sh — what the benchmark scripts share (sourced by run.sh and jobs.sh).

busy() { # the fraction of the processors busy over half a second
	a=$(head -1 /proc/stat); sleep 0.5; b=$(head -1 /proc/stat)
	echo "$a $b" | awk '{ n = (NF - 2) / 2; t = 0; i = 0
		for (k = 2; k <= n + 1; k++) { d = $(k + n + 1) - $k; t += d
			if (k == 5 || k == 6) i += d }
		print (t > 0 ? 1 - i / t : 0) }'
}
