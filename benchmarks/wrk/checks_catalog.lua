-- POST /v1/checks with one catalog claim.
scenario = "checks_catalog"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
