# seccomp.tbl → one C initializer per row, { nr, action, capability, unless }, for seccomp.c's table.
# A syscall name the kernel headers do not know fails the build (undeclared __NR_<name>).
BEGIN {
	act["allow"] = "SR_SC_ALLOW"; act["clone-args"] = "SR_SC_CLONE"; act["enosys"] = "SR_SC_ENOSYS"
	act["personality-args"] = "SR_SC_PERSONALITY"; act["socket-args"] = "SR_SC_SOCKET"
}
/^[ \t]*(#|$)/ { next }
{
	if (!($2 in act)) {
		printf "%s:%d: unknown action \"%s\"\n", FILENAME, FNR, $2 > "/dev/stderr"
		exit 1
	}
	nr = ($4 == "" || $4 == "-") ? "__NR_" $1 : $4
	cap = "-1"; unless = 0
	if ($3 != "" && $3 != "-") {
		cap = $3
		if (substr(cap, 1, 1) == "!") { cap = substr(cap, 2); unless = 1 }
	}
	printf "\t{ %s, %s, %s, %d }, /* %s */\n", nr, act[$2], cap, unless, $1
}
