module gosnap/bigheap

go 1.19
