export * from './org.js';
export * from './places.js';
export * from './projects.js';
export * from './sla.js';
export * from './work-orders.js';
export * from './inventory.js';
export * from './history.js';
export * from './preferences.js';
