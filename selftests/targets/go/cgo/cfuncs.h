/* SPDX-License-Identifier: GPL-2.0 */
/* The C half of the cgo target (main.go). */
#ifndef CGO_TARGET_CFUNCS_H
#define CGO_TARGET_CFUNCS_H

int c_tls_touch(int n);
void c_sleep_outer(int n);
int c_call_back(int n);

#endif
