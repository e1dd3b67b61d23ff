#include "cli/run.h"

int main(int argc, char** argv) { return mosq::cli::run(argc, argv); }
