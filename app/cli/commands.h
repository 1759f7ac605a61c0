#pragma once

#include "clioptions.h"

namespace cepheid::cli {

int runScore(const ScoreOptions& options);
int runProfileShow(const ProfileShowOptions& options);

} // namespace cepheid::cli
