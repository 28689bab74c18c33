/*
 * expr.h — an arithmetic expression of the worker index i, such as
 * `1 + sqrt(i)`, compiled once and evaluated once per worker at set-up.
 *
 *	expr    := term {('+' | '-') term}
 *	term    := unary {('*' | '/') unary}
 *	unary   := ('+' | '-') unary | power
 *	power   := primary ['^' unary]           (right-associative)
 *	primary := number | 'i' | func '(' expr ')' | '(' expr ')'
 *	func    := 'sqrt' | 'log' | 'exp' | 'abs'    (log: natural logarithm)
 *
 * So -2^2 = -4 (a power binds tighter than a sign), 2^-1 = 0.5 and
 * 2^3^2 = 2^9.  Spaces may stand between any two tokens.  A number is what
 * strtod reads from a text starting with a digit or '.' (decimal, or C99
 * hexadecimal such as 0x1p-1; never inf or nan), and must not run into a
 * name ("2i" is an error: write 2*i).  Parsing stops at the first character
 * that cannot continue the expression (a ',' or ')' of an enclosing list,
 * the end of the text): the caller checks what follows.
 *
 * Evaluation follows C's <math.h> (sqrt of a negative number is NaN, log(0)
 * is -inf, pow for '^'); the caller decides which values are acceptable.
 *
 * The code is postfix, one byte an instruction, in a fixed-size struct
 * expr_code (no allocation), which several expressions may share (a
 * distribution keeps all its parameters in one): each is known by its
 * range [from, to) of instructions.
 */
#ifndef ASG_EXPR_H
#define ASG_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/status.h"

#define EXPR_CODE_MAX 32   /* instructions in one struct expr_code */
#define EXPR_NUMS_MAX 8    /* numbers in one struct expr_code */

struct expr_code {
	uint8_t nop;                  /* instructions used */
	uint8_t nnum;                 /* numbers used */
	uint8_t op[EXPR_CODE_MAX];    /* instructions (expr.c's enum expr_op) */
	double num[EXPR_NUMS_MAX];    /* the numbers the instructions push */
};

/* Why an expression was refused. */
enum expr_fault {
	EXPR_OPERAND,   /* no valid operand at `at`: a missing one, an unknown
	                   name, a malformed number */
	EXPR_RANGE,     /* a number out of range (overflow, or underflow to 0) */
	EXPR_SYNTAX,    /* anything else (a missing ')', too long) */
};

struct expr_error {
	enum expr_fault fault;   /* the kind of error */
	const char *at;          /* the offending character */
	const char *end;         /* for EXPR_RANGE: the end of the number */
	char msg[160];           /* the message, e.g. "unknown function 'sqr',
	                            did you mean 'sqrt'?" */
};

/* Parse the expression at the start of `text` and append its code to
 * *code; on success *end is the first character after it (spaces
 * skipped).  On error returns ASG_EINPUT, fills *err and leaves *code as it
 * was. */
asg_status expr_parse(const char *text, const char **end,
		      struct expr_code *code, struct expr_error *err);

/* The value of instructions [from, to) of code, a whole expression, at
 * worker index i. */
double expr_eval(const struct expr_code *code, size_t from, size_t to,
		 double i);

/* True when instructions [from, to) read the worker index. */
bool expr_uses_index(const struct expr_code *code, size_t from, size_t to);

/* Write instructions [from, to) back as text that parses to the same code
 * and values, every operation in parentheses: "(1 + sqrt(i))".  Returns
 * what snprintf returns. */
int expr_format(const struct expr_code *code, size_t from, size_t to,
		char *buf, size_t size);

/* The shortest of %.15g, %.16g, %.17g that reads back as v. */
void expr_format_number(double v, char *buf, size_t size);

#endif
