-- POST /v1/checks with one structured rule.
scenario = "checks_rule"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
