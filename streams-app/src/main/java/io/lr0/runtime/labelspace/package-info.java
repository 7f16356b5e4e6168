/**
 * Label spaces at run time: the store of published label spaces, and the gate that holds a record until its
 * dataset's label space arrives.
 */
package io.lr0.runtime.labelspace;
