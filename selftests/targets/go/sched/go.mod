module gosnap.test/sched

go 1.19
