// Composition root: filled in by the host wiring.
return 0;
