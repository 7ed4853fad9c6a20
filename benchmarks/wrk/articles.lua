-- POST /v1/articles with the founding article (stores a report).
scenario = "articles"
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
