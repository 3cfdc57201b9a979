module gosnap/heap

go 1.19
