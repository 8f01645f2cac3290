package main

// version is stamped by the Makefile (-X main.version=…).
var version = "dev"
