/* store_user_search.h — the look-ups behind SearchUsers (part of store.h; see its contract).
 * Include store/store.h, never this file alone. */
#ifndef ROSTER_STORE_STORE_USER_SEARCH_H
#define ROSTER_STORE_STORE_USER_SEARCH_H

#endif
