// Interrupt handling shared by everything that waits on a child: Ctrl-C, SIGTERM, a closed
// terminal (SIGHUP) and SIGQUIT all end a measurement the same way.
//
// install_interrupt_handlers() makes SIGINT, SIGTERM, SIGHUP and SIGQUIT set a flag and wake a
// self-pipe instead of killing farm, so that the code waiting on a child can forward the signal to
// the child's whole process group, stop cleanly, keep the partial result and report it. SIGHUP is
// left ignored when farm was started with it ignored (nohup asked to survive the hang-up). SIGPIPE
// is ignored so that a closed pipe is an error code, not a silent death.
//
// restore_child_signal() undoes a SIGCHLD inherited as ignored (SIG_IGN survives exec; some
// supervisors start their children so): with it ignored the kernel reaps farm's children itself,
// and wait4 could never report a measured command's exit, CPU time and memory.
#pragma once

namespace farm::exec {

// Called once at start-up, before any child is started; idempotent.
void restore_child_signal();

// Also restores SIGCHLD (see above); idempotent.
void install_interrupt_handlers();

// True once one of the handled signals has arrived (async-signal-safe to read).
bool interrupted();

// The signal that interrupted farm (SIGINT, SIGTERM, SIGHUP or SIGQUIT), 0 if none.
int interrupt_signal();

// The signal to send a measured process group for the interrupt: SIGINT for Ctrl-C (what a
// terminal would have sent it), SIGTERM for every other one.
int signal_to_forward();

// A file descriptor that becomes readable when an interrupt arrives; -1 before installation.
int interrupt_fd();

// Forgets a previous interrupt: for tests, and for running cleanup hooks after one (the caller
// raises it again afterwards, so the interrupt still ends farm).
void reset_interrupt();

} // namespace farm::exec
