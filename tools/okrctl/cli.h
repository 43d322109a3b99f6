// CLI11, included once with the warning it trips under GCC 12.
#pragma once

// GCC 12 at -O2 reports a false -Wnull-dereference inside CLI11's inlined string helpers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <CLI/CLI.hpp>
#pragma GCC diagnostic pop
