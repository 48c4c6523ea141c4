/* store_routing.h — writing routing profiles, queues and hours of operation in the store
 * (part of store.h; see its contract).
 * Include store/store.h, never this file alone. */
#ifndef ROSTER_STORE_STORE_ROUTING_H
#define ROSTER_STORE_STORE_ROUTING_H

#endif
