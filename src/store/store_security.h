/* store_security.h — writing security profiles and tags in the store (part of store.h; see
 * its contract). Include store/store.h, never this file alone. */
#ifndef ROSTER_STORE_STORE_SECURITY_H
#define ROSTER_STORE_STORE_SECURITY_H

#endif
