module example.com/watchleaky

go 1.19
