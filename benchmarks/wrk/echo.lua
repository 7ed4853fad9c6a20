-- the bare JSON echo (POST /v1/_bench/echo, CLAIMCHECK_BENCH_ECHO=1), the ceiling.
scenario = "echo"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
