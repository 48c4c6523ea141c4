/* store_hierarchy.h — the agent hierarchy in the store (part of store.h; see its contract).
 * Include store/store.h, never this file alone. */
#ifndef ROSTER_STORE_STORE_HIERARCHY_H
#define ROSTER_STORE_STORE_HIERARCHY_H

#endif
