// The built-in rules about stateful resources of every provider.
export { StatefulPreventDestroy } from './stateful-prevent-destroy';
