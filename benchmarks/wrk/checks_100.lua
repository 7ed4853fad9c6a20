-- POST /v1/checks with 100 structured rules.
scenario = "checks_100"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
