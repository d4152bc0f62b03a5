// dcmjs ships no type declarations; each user casts the module to the few members it needs.
declare module 'dcmjs';
