package runner

// Version is the version of kpicredit: the command prints it and every
// manifest records it.
const Version = "0.1.0"
