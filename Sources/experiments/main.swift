print("experiments: under construction")
