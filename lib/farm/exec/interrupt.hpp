// Ctrl-C and SIGTERM handling shared by everything that waits on a child.
//
// install_interrupt_handlers() makes SIGINT and SIGTERM set a flag and wake a self-pipe instead of
// killing farm, so that the code waiting on a child can forward the signal to the child's whole
// process group, stop cleanly, keep the partial result and report it. SIGPIPE is ignored so that
// a closed pipe is an error code, not a silent death.
#pragma once

namespace farm::exec {

void install_interrupt_handlers();

// True once SIGINT or SIGTERM has arrived (async-signal-safe to read).
bool interrupted();

// The signal that interrupted farm (SIGINT or SIGTERM), 0 if none.
int interrupt_signal();

// A file descriptor that becomes readable when an interrupt arrives; -1 before installation.
int interrupt_fd();

// For tests: forget a previous interrupt.
void reset_interrupt();

} // namespace farm::exec
