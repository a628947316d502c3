import Objects
print("mooring")
