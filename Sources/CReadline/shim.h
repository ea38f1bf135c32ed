#ifndef CORBI_READLINE_SHIM_H
#define CORBI_READLINE_SHIM_H
#include <stdio.h>
#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <readline/readline.h>
#include <readline/history.h>

/*
 * Swift 6 rejects assigning C global variables (they are not concurrency-safe), so the
 * REPL sets readline's hooks and reads its state through these helpers. Only the REPL's
 * main thread calls them.
 *
 * The signal handler and its file descriptor are `static`: every Swift file that uses
 * them gets its own copy, so only one Swift file (ReadlineLineReader.swift) may call
 * corbi_install_signal_pipe / corbi_restore_signals.
 */

/* Readline's settings for Corbi: named "corbi" for ~/.inputrc conditionals, no signal
   handlers of its own (the REPL owns SIGINT/SIGWINCH), words split at blanks only so
   emails and name=value stay one word, quotes understood while completing. */
static inline void corbi_rl_configure(rl_completion_func_t *completion) {
    rl_readline_name = "corbi";
    rl_catch_signals = 0;
    rl_catch_sigwinch = 0;
    rl_change_environment = 0;
    rl_basic_word_break_characters = " \t\n";
    rl_completer_word_break_characters = (char *)" \t\n";
    rl_completer_quote_characters = "\"'";
    rl_attempted_completion_function = completion;
}

static inline const char *corbi_rl_line_buffer(void) { return rl_line_buffer; }
static inline int corbi_rl_point(void) { return rl_point; }
static inline int corbi_rl_completion_quote_character(void) { return rl_completion_quote_character; }
static inline void corbi_rl_set_attempted_completion_over(int value) { rl_attempted_completion_over = value; }
static inline void corbi_rl_set_completion_append_character(int value) { rl_completion_append_character = value; }
static inline void corbi_rl_set_completion_suppress_quote(int value) { rl_completion_suppress_quote = value; }
static inline void corbi_rl_set_sort_completion_matches(int value) { rl_sort_completion_matches = value; }

/* Ctrl-C at the prompt: show the whole line, forget its editing state (undo, search,
   numeric argument) and leave callback mode; installing the handler again starts an
   empty line. */
static inline void corbi_rl_abandon_line(void) {
    rl_point = rl_end;
    rl_redisplay();
    /* Before leaving callback mode: that writes "\r" (ending bracketed paste). */
    fputs("^C", rl_outstream ? rl_outstream : stdout);
    fflush(rl_outstream ? rl_outstream : stdout);
    rl_free_line_state();
    rl_callback_sigcleanup();
    rl_callback_handler_remove();
}

/* The self-pipe: SIGINT writes 'i', SIGWINCH writes 'w'; the REPL polls the read end.
   The state lives in function-local statics (file-scope ones in a header imported by
   Swift are not always emitted). */
static inline int *corbi_signal_fd(void) { static int fd = -1; return &fd; }
static inline struct sigaction *corbi_old_sigint(void) { static struct sigaction old; return &old; }
static inline struct sigaction *corbi_old_sigwinch(void) { static struct sigaction old; return &old; }

static void corbi_signal_handler(int signo) {
    int saved = errno;
    char byte = signo == SIGINT ? 'i' : 'w';
    int fd = *corbi_signal_fd();
    if (fd >= 0) { ssize_t ignored = write(fd, &byte, 1); (void)ignored; }
    errno = saved;
}

static inline int corbi_install_signal_pipe(int write_fd) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = corbi_signal_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    *corbi_signal_fd() = write_fd;
    if (sigaction(SIGINT, &action, corbi_old_sigint()) != 0) return -1;
    if (sigaction(SIGWINCH, &action, corbi_old_sigwinch()) != 0) return -1;
    /* A parent may have started us with these blocked (the mask survives exec). */
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGWINCH);
    pthread_sigmask(SIG_UNBLOCK, &wanted, NULL);
    return 0;
}

static inline void corbi_restore_signals(void) {
    sigaction(SIGINT, corbi_old_sigint(), NULL);
    sigaction(SIGWINCH, corbi_old_sigwinch(), NULL);
    *corbi_signal_fd() = -1;
}

#endif
