#pragma once
// The name a line about a signal gives it: "SIGTERM" for 15.
#include <string>

namespace nslab {

std::string signal_name(int signal);

}  // namespace nslab
