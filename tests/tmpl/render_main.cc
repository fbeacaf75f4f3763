// Test-only stand-in for `envoyd render`: the tmpl tests run RenderCommand as a process
// without depending on envoyd. Usage: tmpl_render TEMPLATE DATA.json
#include "tmpl/template.h"

int main(int argc, char** argv) { return vs::tmpl::RenderCommand(argc - 1, argv + 1); }
