#ifndef CORBI_READLINE_SHIM_H
#define CORBI_READLINE_SHIM_H
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
#endif
